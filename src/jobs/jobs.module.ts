import { Module } from '@nestjs/common';

// Placeholder: replaced by the jobs module (in-process and BullMQ drivers).
@Module({})
export class JobsModule {}
