import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Db } from './db.js';

@Global()
@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(Db) private readonly db: Db) {}

  static forDb(db: Db) {
    return { module: DatabaseModule, providers: [{ provide: Db, useValue: db }], exports: [Db] };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.db.exclusive(async () => {
      if (this.db.dataSource.isInitialized) await this.db.dataSource.destroy();
    });
  }
}
