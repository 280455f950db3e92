// Where a value is thrown away (a whole expression statement, a display or conditional built as a statement, a
// local variable assigned and maybe never read) or only tested for truth. Shared by the rules about results
// nobody keeps (missing-await, dangling-task): identical query text means one set of matches.
export const VALUE_USE_QUERY = `
(expression_statement (call) @discarded)
(expression_statement (boolean_operator) @discarded)
(expression_statement [(list) (tuple) (set) (list_comprehension) (set_comprehension) (parenthesized_expression) (conditional_expression)] @container)
(expression_statement (assignment left: (identifier) @name right: (call) @assigned))
(if_statement condition: (_) @test)
(elif_clause condition: (_) @test)
(while_statement condition: (_) @test)
(not_operator argument: (_) @test)
(assert_statement . (_) @test)
(if_clause (_) @test)
(conditional_expression) @conditional
`;
