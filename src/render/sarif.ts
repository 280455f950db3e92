// SARIF 2.1.0 for code scanning: every rule with its help text, results with regions and fixes, and a
// line-independent partial fingerprint so alerts survive code moving around.
import type { RuleDocs } from '../analyzer/rule.js';
import type { Finding } from '../analyzer/types.js';
import { fingerprintFindings } from './fingerprint.js';
import { renderRuleDoc } from './rule-doc.js';
import { ruleDocsUrl } from './links.js';

const LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

export function renderSarif(findings: readonly Finding[], rules: readonly RuleDocs[], version: string): string {
  const ruleIndex = new Map(rules.map((rule, index) => [rule.name, index]));
  const fingerprints = fingerprintFindings(findings);
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'async-review',
          version,
          informationUri: ruleDocsUrl('').replace(/\/[^/]*$/, ''),
          rules: rules.map((rule) => ({
            id: rule.name,
            name: rule.name.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase()),
            shortDescription: { text: rule.what },
            fullDescription: { text: rule.why },
            helpUri: ruleDocsUrl(rule.name),
            help: { text: `${rule.what} ${rule.why}`, markdown: renderRuleDoc(rule) },
            defaultConfiguration: { level: LEVEL[rule.severity], ...(rule.defaultEnabled === false ? { enabled: false } : {}) },
            properties: { tags: ['asyncio', ...rule.aliases], precision: 'high' },
          })),
        },
      },
      columnKind: 'unicodeCodePoints',
      originalUriBaseIds: { '%SRCROOT%': { uri: './' } },
      results: findings.map((finding, index) => ({
        ruleId: finding.rule,
        ...(ruleIndex.has(finding.rule) ? { ruleIndex: ruleIndex.get(finding.rule) } : {}),
        level: LEVEL[finding.severity],
        message: { text: finding.message },
        locations: [{
          physicalLocation: {
            artifactLocation: { uri: pathUri(finding.path), uriBaseId: '%SRCROOT%' },
            region: {
              startLine: finding.line,
              startColumn: finding.column,
              endLine: finding.endLine,
              endColumn: finding.endColumn,
              snippet: { text: finding.code },
            },
          },
        }],
        partialFingerprints: { 'asyncReviewFingerprint/v1': fingerprints[index] },
        ...(finding.fix ? {
          fixes: [{
            description: { text: `Replace with the corrected form` },
            artifactChanges: [{
              artifactLocation: { uri: pathUri(finding.path), uriBaseId: '%SRCROOT%' },
              replacements: [{
                // The lines' text without their line ends (an absent endColumn means the end of endLine, newline
                // excluded): right on the last line of a file without a final newline, and in CRLF files.
                deletedRegion: { startLine: finding.fix.line, startColumn: 1, endLine: finding.fix.endLine },
                insertedContent: { text: finding.fix.replacement },
              }],
            }],
          }],
        } : {}),
      })),
    }],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

/** A relative path as a URI reference: every character that means something in a URI (`#`, `?`, `%`, `:` in
 *  the first segment, which would read as a scheme) percent-encoded, segment by segment. */
function pathUri(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}
