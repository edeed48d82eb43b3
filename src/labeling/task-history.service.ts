import { Injectable } from '@nestjs/common';
import { TaskHistoryRepository } from './task-history.repository.js';

/** One prediction's labeling tasks, for its page. */
@Injectable()
export class TaskHistoryService {
  constructor(private readonly repository: TaskHistoryRepository) {}

  tasksOf(model: string, predictionId: string) {
    return this.repository.tasksOf(model, predictionId);
  }
}
