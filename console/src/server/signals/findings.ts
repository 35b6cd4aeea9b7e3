import 'server-only';
import {
  ListAuditFindingsCommand,
  ListServiceStatesCommand,
  type ApplicationSignalsClient,
} from '@aws-sdk/client-application-signals';
import type { ChangeEventRow, Finding } from '../../shared/experiment-report';

const MAX_PAGES = 5;
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Application Signals' audit findings for the services in a window (ListAuditFindings). On AWS
 * they are its own analysis; local-cloud answers the same call from a documented rule
 * (local-cloud/README.md), which the report labels as an approximation. A failure (an IAM policy
 * without application-signals:ListAuditFindings, say) is returned as the error, not thrown.
 */
export async function readFindings(
  client: ApplicationSignalsClient,
  environment: string,
  services: string[],
  window: { from: number; to: number },
): Promise<{ items: Finding[]; error?: string }> {
  const items: Finding[] = [];
  try {
    let token: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const out = await client.send(
        new ListAuditFindingsCommand({
          StartTime: new Date(window.from),
          EndTime: new Date(window.to),
          AuditTargets: services.map((name) => ({
            Type: 'service',
            Data: { Service: { Type: 'Service', Name: name, Environment: environment } },
          })),
          ...(token ? { NextToken: token } : {}),
        }),
      );
      for (const finding of out.AuditFindings ?? []) {
        for (const result of finding.AuditorResults ?? []) {
          items.push({
            service: finding.KeyAttributes?.Name ?? '',
            ...(finding.Operation ? { operation: finding.Operation } : {}),
            ...(finding.Type ? { type: finding.Type } : {}),
            ...(result.Severity ? { severity: result.Severity } : {}),
            ...(result.Auditor ? { auditor: result.Auditor } : {}),
            description: result.Description ?? '',
          });
        }
      }
      token = out.NextToken;
      if (!token) break;
    }
    return { items };
  } catch (error) {
    return { items, error: message(error) };
  }
}

/** The change events Application Signals recorded for the window (ListServiceStates), newest first. */
export async function readServiceStates(
  client: ApplicationSignalsClient,
  window: { from: number; to: number },
): Promise<{ items: ChangeEventRow[]; error?: string }> {
  const items: ChangeEventRow[] = [];
  try {
    let token: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const out = await client.send(
        new ListServiceStatesCommand({
          StartTime: new Date(window.from),
          EndTime: new Date(window.to),
          ...(token ? { NextToken: token } : {}),
        }),
      );
      for (const state of out.ServiceStates ?? []) {
        for (const event of state.LatestChangeEvents ?? []) {
          items.push({
            at: event.Timestamp?.toISOString() ?? '',
            service: state.Service?.Name ?? event.Entity?.Name ?? '',
            type: event.ChangeEventType ?? '',
            name: event.EventName ?? '',
            ...(event.UserName ? { by: event.UserName } : {}),
          });
        }
      }
      token = out.NextToken;
      if (!token) break;
    }
    return { items: items.sort((a, b) => b.at.localeCompare(a.at)) };
  } catch (error) {
    return { items, error: message(error) };
  }
}
