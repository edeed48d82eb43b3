import { Body, Controller, Delete, Get, Header, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, Roles } from './roles.decorator.js';
import { CreatedTokenDto, CreateTokenDto, toCreatedTokenDto, TokenListDto, toTokenDto } from './tokens.dto.js';
import { TokensService } from './tokens.service.js';

@ApiTags('tokens')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'missing_or_invalid_token' })
@ApiForbiddenResponse({ description: 'role_not_allowed (admins only), or invalid_csrf_token for session callers' })
@Roles('admin')
@Controller('api/v1/tokens')
export class TokensController {
  constructor(private readonly tokens: TokensService) {}

  @Post()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Create an API token; its secret is in this response only' })
  @ApiCreatedResponse({ type: CreatedTokenDto })
  async create(@Body() body: CreateTokenDto, @CurrentPrincipal() principal: Principal): Promise<CreatedTokenDto> {
    return toCreatedTokenDto(await this.tokens.create(body.name, body.role, principal.name));
  }

  @Get()
  @ApiOperation({ summary: 'List API tokens (never their secrets)' })
  @ApiOkResponse({ type: TokenListDto })
  async list(): Promise<TokenListDto> {
    return { tokens: (await this.tokens.list()).map(toTokenDto) };
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Revoke an API token; its sessions end too. Revoking the token in use is allowed.' })
  @ApiNoContentResponse({ description: 'Revoked (or already revoked)' })
  @ApiNotFoundResponse({ description: 'token_not_found' })
  async revoke(@Param('id') id: string): Promise<void> {
    await this.tokens.revoke(id);
  }
}
