import { Body, Controller, Get, HttpStatus, Post, Query, Render, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuthService } from '../../auth/auth.service.js';
import { clientAddress, FailureLimiter } from '../../auth/failure-limiter.js';
import { type Principal, Public } from '../../auth/roles.decorator.js';
import { LoginFormDto, type LoginViewModel } from './login.dto.js';
import { safeNextPath } from './safe-redirect.js';

type AuthedRequest = Request & { principal?: Principal };

/** The login form, which trades an API token for a session cookie, and logout. */
@ApiExcludeController()
@Controller()
export class LoginController {
  constructor(
    private readonly auth: AuthService,
    private readonly limiter: FailureLimiter,
  ) {}

  @Public()
  @Get('login')
  @Render('login')
  async form(
    @Req() req: AuthedRequest,
    @Res({ passthrough: true }) res: Response,
    @Query('next') next?: unknown,
  ): Promise<LoginViewModel> {
    res.setHeader('Cache-Control', 'no-store');
    return this.viewModel(req, res, next);
  }

  @Public()
  @Post('login')
  async login(@Req() req: AuthedRequest, @Res() res: Response, @Body() form: LoginFormDto): Promise<void> {
    res.setHeader('Cache-Control', 'no-store');
    // A caller with a live session had its CSRF token checked against that session by the guard.
    if (req.principal?.via !== 'session' && !(await this.auth.hasValidCsrfToken(req, 'login'))) {
      const model = await this.viewModel(req, res, form.next, 'The form expired. Please sign in again.');
      return res.status(HttpStatus.FORBIDDEN).render('login', model);
    }
    const address = clientAddress(req);
    const wait = this.limiter.retryAfter(address);
    if (wait !== null) {
      const model = await this.viewModel(req, res, form.next, `Too many failed sign-ins. Try again in ${wait} seconds.`);
      res.setHeader('Retry-After', String(wait));
      return res.status(HttpStatus.TOO_MANY_REQUESTS).render('login', model);
    }
    const principal = form.token ? await this.auth.signIn(req, res, form.token) : null;
    if (principal === 'ingest') {
      const message = 'Ingest tokens are for model servers and cannot sign in. Use a labeler or admin token.';
      return res.status(HttpStatus.FORBIDDEN).render('login', await this.viewModel(req, res, form.next, message));
    }
    if (!principal) {
      this.limiter.fail(address);
      const model = await this.viewModel(req, res, form.next, 'That token is not valid. Check it and try again.');
      return res.status(HttpStatus.UNAUTHORIZED).render('login', model);
    }
    res.redirect(HttpStatus.SEE_OTHER, safeNextPath(form.next));
  }

  @Public()
  @Post('logout')
  async logout(@Req() req: Request, @Res() res: Response): Promise<void> {
    await this.auth.signOut(req, res);
    res.redirect(HttpStatus.SEE_OTHER, '/login');
  }

  private async viewModel(req: AuthedRequest, res: Response, next: unknown, error?: string): Promise<LoginViewModel> {
    const csrfToken =
      req.principal?.via === 'session' ? await this.auth.sessionCsrfToken(req) : await this.auth.loginCsrfToken(req, res);
    res.locals.csrfToken = csrfToken;
    return { title: 'Sign in', csrfToken, next: safeNextPath(next), ...(error ? { error } : {}) };
  }
}
