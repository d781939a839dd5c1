import fs from 'node:fs';
import type { Page } from 'playwright-core';

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/**
 * Runs axe-core in the page (evaluated through the DevTools protocol, so
 * the app's Content-Security-Policy, which allows no inline scripts, stays
 * on) against WCAG 2.1 A/AA; returns the serious and critical violations,
 * and how many rules passed (proof that it looked at something).
 */
export async function seriousViolations(page: Page): Promise<{ serious: Violation[]; rulesPassed: number }> {
  await page.evaluate(AXE_SOURCE);
  const r = await page.evaluate(async () => {
    type Result = { id: string; impact: string | null; help: string; nodes: { target: string[] }[] };
    const axe = (globalThis as unknown as { axe: { run(o: unknown): Promise<{ violations: Result[]; passes: Result[] }> } }).axe;
    const r = await axe.run({ runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return { violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) })), passes: r.passes.length };
  });
  return { serious: r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'), rulesPassed: r.passes };
}
