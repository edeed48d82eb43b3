import { Controller, Get, Render } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, Roles } from '../../auth/roles.decorator.js';

/** The signed-in home page. Later features add their own sections (model lists). */
@ApiExcludeController()
@Controller()
export class HomeController {
  // Ingest tokens cannot sign in, and a model server's token has nothing to read here.
  @Roles('labeler')
  @Get()
  @Render('home')
  home(@CurrentPrincipal() principal: Principal) {
    return { title: 'Home', isAdmin: principal.role === 'admin', canLabel: true };
  }
}
