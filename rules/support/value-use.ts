// Where a value is thrown away (a whole expression statement, a display or conditional built as a statement, a
// local variable assigned and maybe never read, a mapping lookup's default that is dropped when the key is
// there) or only tested for truth, or unpacked (`a, b = f()`). Shared by the rules about results
// nobody keeps (missing-await, dangling-task): identical query text means one set of matches.
/** The truth tests that can lose a call's value, the kinds missing-await's `lostCalls` looks into (a bare name,
 *  an attribute or a comparison cannot): on the corpus two thirds of all tests need no match at all. */
const TESTED = '[(call) (parenthesized_expression) (boolean_operator) (not_operator)]';

export const VALUE_USE_QUERY = `
(expression_statement (call) @discarded)
(expression_statement (boolean_operator) @discarded)
(expression_statement [(list) (tuple) (set) (list_comprehension) (set_comprehension) (parenthesized_expression) (conditional_expression)] @container)
(expression_statement (assignment left: (identifier) @name right: (call) @assigned))
(if_statement condition: ${TESTED} @test)
(elif_clause condition: ${TESTED} @test)
(while_statement condition: ${TESTED} @test)
(not_operator argument: ${TESTED} @test)
(assert_statement . ${TESTED} @test)
(if_clause ${TESTED} @test)
(conditional_expression) @conditional
(expression_statement (assignment left: [(pattern_list) (tuple_pattern) (list_pattern)] right: (call) @unpacked))
(call function: (attribute attribute: (identifier) @default.method (#any-of? @default.method "get" "pop" "setdefault")) arguments: (argument_list . (_) . (call) @default .))
`;
