// Types for the two SDK modules src/render/ecs-model.ts imports by path: the package's own.
declare module '@aws-sdk/client-ecs/dist-es/schemas/schemas_0.js' {
  export { RegisterTaskDefinitionRequest$ } from '@aws-sdk/client-ecs';
}
declare module '@aws-sdk/client-ecs/dist-es/models/enums.js' {
  export {
    NetworkMode,
    Compatibility,
    TransportProtocol,
    ApplicationProtocol,
    LogDriver,
    ContainerCondition,
    PidMode,
    IpcMode
  } from '@aws-sdk/client-ecs';
}
