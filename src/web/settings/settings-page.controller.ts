import { Controller, Get, Param, Render } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, Roles } from '../../auth/roles.decorator.js';
import { ModelsService } from '../../models/models.service.js';
import { settingsPageView } from './settings-page.view.js';

/** A model's definition as the registry holds it (read-only: admins change it with PUT /api/v1/models/:model). */
@ApiExcludeController()
@Controller('models/:model/settings')
export class SettingsPageController {
  constructor(private readonly models: ModelsService) {}

  @Get()
  @Roles('labeler')
  @Render('settings')
  async view(@Param('model') model: string, @CurrentPrincipal() principal: Principal) {
    return settingsPageView(await this.models.require(model), principal.role === 'admin');
  }
}
