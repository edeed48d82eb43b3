import { Controller, Get, Render } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, Roles } from '../../auth/roles.decorator.js';
import { HomePageService } from './home-page.service.js';

/** The signed-in home page: every model at a glance (figures for those who may read them). */
@ApiExcludeController()
@Controller()
export class HomeController {
  constructor(private readonly page: HomePageService) {}

  // Ingest tokens cannot sign in, and a model server's token has nothing to read here.
  @Roles('labeler')
  @Get()
  @Render('home')
  home(@CurrentPrincipal() principal: Principal) {
    return this.page.view(principal);
  }
}
