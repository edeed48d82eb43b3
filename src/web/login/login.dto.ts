import { IsOptional, IsString, MaxLength } from 'class-validator';

/** The login form's fields (urlencoded). */
export class LoginFormDto {
  @IsOptional()
  @IsString()
  @MaxLength(512)
  token?: string;

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  next?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  _csrf?: string;
}

export interface LoginViewModel {
  title: string;
  csrfToken: string;
  next: string;
  error?: string;
}
