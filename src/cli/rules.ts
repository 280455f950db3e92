// `async-review rules` (the catalog) and `async-review rule NAME` (one rule's docs).
import type { Command } from 'commander';
import { allRules, findRule } from '../../rules/index.js';
import { renderRuleDoc } from '../render/rule-doc.js';
import { UsageError } from './output.js';

export function registerRuleCommands(program: Command): void {
  program
    .command('rules')
    .description('list every rule with its aliases and default severity ("off" for a rule that runs only when asked for)')
    .action(() => {
      const width = Math.max(...allRules.map((r) => r.name.length));
      for (const rule of allRules) {
        const aliases = rule.aliases.length ? ` [${rule.aliases.join(', ')}]` : '';
        const severity = rule.defaultEnabled === false ? 'off' : rule.severity;
        process.stdout.write(`${rule.name.padEnd(width)}  ${severity.padEnd(7)}  ${rule.what}${aliases}\n`);
      }
    });
  program
    .command('rule')
    .description("print a rule's documentation")
    .argument('<name>', 'rule name or alias (e.g. blocking-sleep or ASYNC251)')
    .action((name: string) => {
      const rule = findRule(name);
      if (!rule) throw new UsageError(`unknown rule "${name}" (see \`async-review rules\`)`);
      process.stdout.write(renderRuleDoc(rule));
    });
}
