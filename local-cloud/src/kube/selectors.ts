/**
 * Label and field selectors as kubectl and client-node send them: `a=b,c!=d,e` (equality,
 * inequality, existence). Set-based selectors (`in`, `notin`) are refused.
 */
export type Matcher = (values: Record<string, string | undefined>) => boolean;

export function parseSelector(selector: string | null): Matcher {
  if (!selector) return () => true;
  const terms = selector
    .split(',')
    .map((term) => term.trim())
    .filter(Boolean);
  const tests = terms.map((term): Matcher => {
    if (/\s(in|notin)\s/.test(term)) throw new Error(`set-based selector not supported by local-cloud: ${term}`);
    const notEqual = /^([^!=]+)!=(.*)$/.exec(term);
    if (notEqual) return (values) => values[notEqual[1]?.trim() ?? ''] !== notEqual[2]?.trim();
    const equal = /^([^=]+)==?(.*)$/.exec(term);
    if (equal) return (values) => values[equal[1]?.trim() ?? ''] === equal[2]?.trim();
    if (term.startsWith('!')) return (values) => values[term.slice(1)] === undefined;
    return (values) => values[term] !== undefined;
  });
  return (values) => tests.every((test) => test(values));
}
