import { AlertNotificationEntity } from '../alerts/alert-notification.entity.js';
import { AlertEntity } from '../alerts/alert.entity.js';
import { TokenEntity } from '../auth/token.entity.js';
import { EventEntity } from '../events/event.entity.js';
import { ExportEntity } from '../exports/export.entity.js';
import { FeedbackCellEntity } from '../feedback/feedback-cells.entity.js';
import { LabelChangeEntity } from '../labels/label-change.entity.js';
import { LabelEntity } from '../labels/label.entity.js';
import { LabelingBatchEntity } from '../labeling/labeling-batch.entity.js';
import { LabelingTaskEntity } from '../labeling/labeling-task.entity.js';
import { ModelEntity } from '../models/model.entity.js';
import {
  MonitoringBaselineEntity,
  MonitoringBaselineProfileEntity,
  MonitoringCalibrationEntity,
  MonitoringPendingEntity,
  MonitoringProfileEntity,
  MonitoringProfileRevisionEntity,
} from '../monitoring/monitoring.entity.js';
import { PredictionEntity } from '../predictions/prediction.entity.js';
import { QualityCellEntity } from '../quality/quality-cell.entity.js';
import { SliceCellEntity } from '../slices/slice-cell.entity.js';
import { LfFunctionEntity, LfPendingEntity, LfRunEntity, LfStateEntity, LfVoteEntity } from '../weak/weak.entities.js';
import { AppSettingEntity } from './app-setting.entity.js';

export const ENTITIES = [
  AppSettingEntity,
  TokenEntity,
  ModelEntity,
  PredictionEntity,
  EventEntity,
  LabelEntity,
  LabelChangeEntity,
  SliceCellEntity,
  LabelingBatchEntity,
  LabelingTaskEntity,
  AlertEntity,
  AlertNotificationEntity,
  ExportEntity,
  QualityCellEntity,
  LfFunctionEntity,
  LfVoteEntity,
  LfPendingEntity,
  LfStateEntity,
  LfRunEntity,
  MonitoringPendingEntity,
  MonitoringProfileEntity,
  MonitoringProfileRevisionEntity,
  MonitoringBaselineEntity,
  MonitoringBaselineProfileEntity,
  MonitoringCalibrationEntity,
  FeedbackCellEntity,
];
