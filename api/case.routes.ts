import { randomUUID } from 'node:crypto';
import type { Request, Response, Server } from 'restify';
import type { CaseService } from '../services/case.service';
import { caseNumberParams, idempotencyKey, openCaseBody } from './case.schemas';
import { problem, sendProblem } from './problem';
import { parseOrProblem } from './validation';

/** The case routes: translate HTTP to the case service and back, nothing more. */
export function registerCaseRoutes(server: Server, cases: CaseService): void {
  server.post('/cases', async (req: Request, res: Response) => {
    const header = req.header('idempotency-key');
    let requestId: string = randomUUID();
    if (header !== undefined && header !== '') {
      const key = idempotencyKey.safeParse(header);
      if (!key.success) {
        return sendProblem(res, problem(422, 'validation', 'The request is not valid', {
          detail: `Idempotency-Key header ${key.error.issues[0]?.message ?? 'is invalid'}`,
          errors: [{ pointer: '/headers/idempotency-key', detail: key.error.issues[0]?.message ?? 'invalid' }],
        }));
      }
      requestId = key.data;
    }
    const body = parseOrProblem(openCaseBody, req.body, 'body');
    if (!body.ok) return sendProblem(res, body.problem);
    const result = await cases.openCase({ requestId, openedByUserId: null, ...body.value });
    if (result.state === 'recorded') {
      res.header('location', `/cases/${result.case.caseNumber}`);
      res.send(201, result.case);
      return;
    }
    res.header('location', `/cases/${result.caseNumber}`);
    res.send(202, { caseNumber: result.caseNumber, workflowId: result.workflowId, status: 'starting' });
  });

  server.get('/cases/:caseNumber', async (req: Request, res: Response) => {
    const params = parseOrProblem(caseNumberParams, req.params, 'params');
    if (!params.ok) return sendProblem(res, params.problem);
    res.send(200, await cases.getCase(params.value.caseNumber));
  });
}
