import type { Transform } from '../types';
import { applyQuantize } from './apply';
import { defaultQuantizeOptions, validateQuantizeOptions, type QuantizeOptions } from './options';

/**
 * The quantize transform (dynamic int8, static QDQ int8, weight-only int8, float16). Importing this module does no
 * work: everything happens in apply().
 */
export const quantize: Transform<QuantizeOptions> = {
  id: 'quantize',
  label: 'Quantize',
  defaults: defaultQuantizeOptions,
  validate: validateQuantizeOptions,
  apply: applyQuantize,
};

export { applyQuantize, tensorStats, type NodeReport } from './apply';
export {
  buildCalibrationModel,
  calibrate,
  calibrationTensors,
  createCalibrator,
  MinMaxCalibrator,
  MseCalibrator,
  normalizeFeeds,
  PercentileCalibrator,
  type CalibrationBatch,
  type CalibrationModel,
  type CalibrationResult,
  type CalibrationRunner,
  type CalibrationSession,
  type Calibrator,
  type FeedTensor,
} from './calibrate';
export { detectQuantization, type QuantizationInfo } from './detect';
export { planQuantization, type NodePlan, type QuantPlan } from './plan';
export {
  CALIBRATION_METHODS,
  defaultQuantizeOptions,
  QUANTIZABLE_OPS,
  QUANTIZE_MODES,
  validateQuantizeOptions,
  type ActivationRanges,
  type ActivationType,
  type CalibrationMethod,
  type QuantizableOp,
  type QuantizeMode,
  type QuantizeOptions,
} from './options';
