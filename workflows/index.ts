export { campaignWorkflow } from './campaign';
export { circulationWorkflow } from './circulation';
export { obligationWorkflow } from './obligation';
export { unitMessageWorkflow } from './unit-message';
export { hazardWorkflow } from './hazard';
