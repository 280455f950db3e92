// A rule's documentation page, built from the rule's own fields (docs/rules/NAME.md and `async-review rule`).
import type { RuleDocs } from '../analyzer/rule.js';

export function renderRuleDoc(rule: RuleDocs): string {
  const lines = [
    `# ${rule.name}`,
    '',
    `- Severity: **${rule.severity}**${rule.defaultEnabled === false ? `, **off by default**: ${turnOn(rule)}` : ''}`,
    `- Aliases: ${rule.aliases.length ? rule.aliases.map((a) => `\`${a}\``).join(', ') : 'none'}`,
    `- Fix: ${rule.fix ?? 'none (the corrected form is shown)'}`,
    ...(rule.targetPython ? [`- Target Python: ${rule.targetPython}`] : []),
    ...('blocksTheLoop' in rule && rule.blocksTheLoop ? [`- Where: only where other work shares the event loop; quiet in tests that start no server or task, in the entry coroutine of a loop of its own (\`asyncio.run(main())\` in a script, a command-line entry point or a child process) before it starts anything concurrent, and on a worker thread's own loop (\`blocking.report_in_tests\`, \`report_in_scripts\`, \`report_in_worker_threads\` turn them on)`] : []),
    ...('costsOnlyInProduction' in rule && rule.costsOnlyInProduction ? ['- Where: production code only; quiet in test code (test modules and folders, `test*` functions, pytest fixtures), where a one-off pool or background task is the thing under test (`production_only.report_in_tests` turns it on)'] : []),
    '',
    '## What it does',
    '',
    rule.what,
    '',
    '## Why is this bad?',
    '',
    rule.why,
    '',
    ...(rule.note ? [rule.defaultEnabled === false ? '## Why is it off by default?' : '## Note', '', rule.note, ''] : []),
    '## Example',
    '',
    '```python',
    rule.bad.trimEnd(),
    '```',
    '',
    'Use instead:',
    '',
    '```python',
    rule.good.trimEnd(),
    '```',
    '',
    '## Suppressing it',
    '',
    `Add \`# noqa: ${rule.aliases[0] ?? rule.name}\` (or \`# async-review: ignore[${rule.name}]\`) to the line, or ${rule.defaultEnabled === false ? 'leave it off' : 'set'}`,
    rule.defaultEnabled === false ? '(give it no severity in `.github/async-review.yml`).' : `\`rules: { ${rule.name}: off }\` in \`.github/async-review.yml\`.`,
    '',
  ];
  return lines.join('\n');
}

/** How a user turns on a rule that is off by default. */
function turnOn(rule: RuleDocs): string {
  return `turn it on with \`rules: { ${rule.name}: ${rule.severity} }\` in \`.github/async-review.yml\` or \`--select ${rule.name}\``;
}
