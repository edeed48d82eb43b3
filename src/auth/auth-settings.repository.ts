import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppSettingEntity } from '../database/app-setting.entity.js';
import { Db } from '../database/db.js';

const SESSION_SECRET_KEY = 'session_secret';

@Injectable()
export class AuthSettingsRepository {
  constructor(private readonly db: Db) {}

  /**
   * The generated session secret, created by whichever process asks first. Insert-or-ignore then
   * read, so API processes starting together all end up with the one stored value.
   */
  sessionSecret(): Promise<string> {
    return this.db.transaction(async (manager) => {
      await manager
        .createQueryBuilder()
        .insert()
        .into(AppSettingEntity)
        .values({ key: SESSION_SECRET_KEY, value: randomBytes(32).toString('base64url') })
        .orIgnore()
        .execute();
      const stored = await manager.findOneByOrFail(AppSettingEntity, { key: SESSION_SECRET_KEY });
      return stored.value;
    });
  }
}
