import { TokenEntity } from '../auth/token.entity.js';
import { ModelEntity } from '../models/model.entity.js';
import { PredictionEntity } from '../predictions/prediction.entity.js';
import { AppSettingEntity } from './app-setting.entity.js';

export const ENTITIES = [AppSettingEntity, TokenEntity, ModelEntity, PredictionEntity];
