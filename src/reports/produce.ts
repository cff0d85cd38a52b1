import type { Logger } from '../log';
import type { WeChatClient } from '../wechat/client';
import { buildReport, type ReportMeta } from './build';
import { buildCohorts, fetchCohorts } from './cohorts';
import { buildDigest, fetchDigest } from './digest';
import { fetchReportData } from './fetch';
import type { Report, ReportRequest } from './model';
import { buildPages, fetchPages } from './pages';
import { Parts } from './parts';
import { buildPerf, fetchPerf } from './perf';
import { buildSources, fetchSources } from './sources';
import { buildUsers, fetchUsers } from './users';

/** Fetches what a request's kind needs from WeChat and builds its plain Report. */
export async function fetchAndBuild(client: WeChatClient, req: ReportRequest, meta: ReportMeta, now: Date, log?: Logger): Promise<Report> {
  const report = await fetchAndBuildKind(client, req, meta, now, new Parts(log));
  return req.language ? { ...report, language: req.language } : report;
}

async function fetchAndBuildKind(client: WeChatClient, req: ReportRequest, meta: ReportMeta, now: Date, parts: Parts): Promise<Report> {
  switch (req.kind) {
    case 'retain':
    case 'visits':
      return buildReport(req, await fetchReportData(client, req), meta);
    case 'sources':
      return buildSources(req, await fetchSources(client, req, parts), meta, parts);
    case 'pages':
      return buildPages(req, await fetchPages(client, req), meta);
    case 'users':
      return buildUsers(req, await fetchUsers(client, req), meta);
    case 'perf':
      return buildPerf(req, await fetchPerf(client, req, parts), meta, parts);
    case 'cohorts':
      return buildCohorts(req, await fetchCohorts(client, req, parts), { ...meta, now }, parts);
    case 'digest':
      return buildDigest(req, await fetchDigest(client, req, parts), meta, parts);
  }
}

/** The chart's file name: kind, then the period ("digest-weekly-20170306.png", "users-7d-20170312.png"). */
export function chartFilename(req: ReportRequest): string {
  const when = req.span === undefined ? `${req.period.granularity}-${req.period.begin}` : `${req.span}d-${req.period.end}`;
  return `${req.kind}-${when}.png`;
}
