import * as core from '@actions/core';
import { inputDefault, type InputSource } from '../inputs.js';

/** INPUT_* as the runner sets them; action.yml's defaults when the runner did not (e.g. a local run). */
export const actionInputSource: InputSource = {
  get(name) {
    const value = core.getInput(name, { trimWhitespace: false });
    return value !== '' ? value : inputDefault(name);
  },
  label: (name) => `input \`${name}\``
};
