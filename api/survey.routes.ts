import type { IncomingMessage } from 'node:http';
import type { Next, Request, Response, Server } from 'restify';
import { z } from 'zod';
import { ConflictError, NotFoundError, UnavailableError, ValidationError } from '../services/errors';
import { refusalText, type SurveyAnswerService, type SurveyRefusal } from '../services/survey-answer.service';
import { asUnavailable } from '../services/unavailable';
import { createRateLimiter } from './auth';
import { actionBodies } from './case.schemas';
import { defineRoute, type RouteDefinition } from './route';
import { surveyFormPage, surveyNoticePage } from './survey.page';

/**
 * `/surveys/{token}`, the link of the survey email and chat card. No sign-in: the token is the
 * credential. GET serves the page; POST takes the answer as JSON (declared, in /openapi.json) or as
 * the page's form (HTML back).
 */

const tokenParams = z.object({ token: z.string().min(1).max(200).describe('The token of the survey link') });

const answeredSchema = z.object({ status: z.literal('recorded'), caseNumber: z.string(), rating: z.number() });

/** The JSON answer, for scripts and the web app: refusals as problem+json (404 unknown link, 409 answered, expired or closed). */
export function surveyRoutes(surveys: SurveyAnswerService): RouteDefinition[] {
  return [
    defineRoute({
      method: 'post',
      path: '/surveys/{token}',
      tag: 'Surveys',
      summary: 'Answer a satisfaction survey with the token of its link (once; no sign-in)',
      roles: 'public',
      params: tokenParams,
      body: actionBodies.survey,
      responses: { 200: { description: 'The answer is recorded', schema: answeredSchema } },
      handler: async ({ params, body }) => {
        const result = await surveys.answer(params.token, body);
        if (result.outcome === 'refused') {
          if (result.reason === 'unknown') throw new NotFoundError(result.detail);
          throw new ConflictError(result.detail, { reason: result.reason });
        }
        return { status: 200, body: { status: 'recorded', caseNumber: result.caseNumber, rating: result.rating } };
      },
    }),
  ];
}

const PATH = /^\/surveys\/([^/]+)\/?$/;
const FORM = /^application\/x-www-form-urlencoded\b/i;
const MAX_FORM_BYTES = 16 * 1024;

const REFUSAL_PAGES: Record<SurveyRefusal, { status: number; title: string; icon: string }> = {
  unknown: { status: 404, title: 'Survey link not valid', icon: '&#9888;' },
  answered: { status: 409, title: 'Already answered', icon: '&#10003;' },
  expired: { status: 410, title: 'Survey expired', icon: '&#8987;' },
  closed: { status: 409, title: 'Case closed', icon: '&#128274;' },
};

function sendHtml(res: Response, status: number, html: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    // The token is in the URL: keep it out of caches and of other sites' Referer headers.
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
  });
  res.end(html);
}

function refusalPage(res: Response, reason: SurveyRefusal): void {
  const page = REFUSAL_PAGES[reason];
  sendHtml(res, page.status, surveyNoticePage(page.title, refusalText(reason), page.icon));
}

function failurePage(res: Response, error: unknown): void {
  if (error instanceof UnavailableError || asUnavailable(error)) {
    sendHtml(res, 503, surveyNoticePage('Please try again shortly', 'We could not record your answer just now. Nothing was lost: open the link again in a few minutes.', '&#8987;'));
    return;
  }
  sendHtml(res, 500, surveyNoticePage('Something went wrong', 'We could not show this survey. Please try the link again later.', '&#9888;'));
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return '';
  }
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_FORM_BYTES) throw new ValidationError('the answer is too long', 'comment');
    chunks.push(buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

async function showSurvey(surveys: SurveyAnswerService, token: string, res: Response): Promise<void> {
  const link = await surveys.look(token);
  if (link.state !== 'open') return refusalPage(res, link.state);
  sendHtml(res, 200, surveyFormPage({ token, caseNumber: link.survey.caseNumber, caseTitle: link.survey.caseTitle }));
}

async function answerFromForm(surveys: SurveyAnswerService, token: string, req: Request, res: Response): Promise<void> {
  const form = await readForm(req);
  const ratingText = form.get('rating') ?? '';
  const comment = form.get('comment') ?? '';
  const rating = /^[1-5]$/.test(ratingText) ? Number(ratingText) : NaN;
  try {
    const result = await surveys.answer(token, { rating, comment });
    if (result.outcome === 'refused') return refusalPage(res, result.reason);
    sendHtml(res, 200, surveyNoticePage('Thank you!', `Your answer about case ${result.caseNumber} has been recorded. It helps us serve you better.`, '&#10003;'));
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const link = await surveys.look(token);
    if (link.state !== 'open') return refusalPage(res, link.state);
    const message = error.field === 'rating' ? 'Please choose a rating from 1 to 5.' : `Your comment ${error.message}.`;
    sendHtml(res, 422, surveyFormPage({ token, caseNumber: link.survey.caseNumber, caseTitle: link.survey.caseTitle, error: message, comment, ...(Number.isNaN(rating) ? {} : { rating }) }));
  }
}

/**
 * The HTML side. The form POST is taken before restify's body parsing, which accepts only JSON
 * bodies (api/server.ts): a plain HTML form must work in any browser, JavaScript or not.
 */
export function registerSurveyPages(server: Server, surveys: SurveyAnswerService): void {
  // Taken before the app's middleware, so limited here too: per client IP, like anonymous API calls.
  const rateLimit = createRateLimiter({ burst: 10, rate: 1 });
  server.pre((req: Request, res: Response, next: Next) => {
    const match = req.method === 'POST' ? PATH.exec(req.path()) : null;
    if (!match?.[1] || !FORM.test(req.header('content-type') ?? '')) return next();
    const token = safeDecode(match[1]);
    rateLimit(req, res, ((limited?: unknown) => {
      if (limited) {
        sendHtml(res, 429, surveyNoticePage('Too many attempts', 'Please wait a minute, then send your answer again.', '&#8987;'));
        return next(false);
      }
      answerFromForm(surveys, token, req, res).then(
        () => next(false),
        (error: unknown) => {
          failurePage(res, error);
          next(false);
        },
      );
    }) as Next);
  });

  server.get('/surveys/:token', (req: Request, res: Response, next: Next) => {
    const token = String((req.params as Record<string, string>).token);
    showSurvey(surveys, token, res).then(
      () => next(),
      (error: unknown) => {
        failurePage(res, error);
        next();
      },
    );
  });
}
