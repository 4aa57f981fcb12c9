export { campaignWorkflow } from './campaign';
export { circulationWorkflow } from './circulation';
export { leadDigestWorkflow } from './lead-digest';
export { obligationWorkflow } from './obligation';
export { unitMessageWorkflow } from './unit-message';
export { hazardWorkflow } from './hazard';
export { channelWorkflow } from './channels';
export { hazardCirculationWorkflow } from './hazard-circulation';
