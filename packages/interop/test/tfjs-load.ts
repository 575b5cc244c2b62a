import * as tf from '@tensorflow/tfjs';
import type { TfjsArtifacts } from '../src/index.js';

/** Loads `toTfjs`'s artifacts into TensorFlow.js from memory, as `tf.loadLayersModel` reads model.json + weights. */
export function loadInTfjs({ modelJson, weights }: TfjsArtifacts): Promise<tf.LayersModel> {
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: modelJson.modelTopology,
      weightSpecs: modelJson.weightsManifest[0]?.weights ?? [],
      weightData: weights,
      ...(modelJson.userDefinedMetadata
        ? { userDefinedMetadata: modelJson.userDefinedMetadata as unknown as Record<string, unknown> }
        : {}),
    }),
  );
}
