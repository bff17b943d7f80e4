/** The ECS model render validates against, loaded without loading the ECS client (render-only runs never need one). */
import type { RegisterTaskDefinitionRequest$ } from '@aws-sdk/client-ecs';

export interface EcsModelSource {
  request: typeof RegisterTaskDefinitionRequest$;
  enums: Pick<
    typeof import('@aws-sdk/client-ecs'),
    | 'NetworkMode'
    | 'Compatibility'
    | 'TransportProtocol'
    | 'ApplicationProtocol'
    | 'LogDriver'
    | 'ContainerCondition'
    | 'PidMode'
    | 'IpcMode'
  >;
}

/**
 * The SDK's schema and enum modules, imported by path: the package's entry would also load
 * the client, its credential chain and HTTP stack (four fifths of a render-only run's time).
 * The paths are the SDK's ES build, which the bundle and tsx read; a runtime that cannot load
 * them (Jest reads ES files in node_modules as CommonJS) falls back to the whole package.
 */
export async function loadEcsModelSource(): Promise<EcsModelSource> {
  try {
    const [schemas, enums] = await Promise.all([
      import('@aws-sdk/client-ecs/dist-es/schemas/schemas_0.js'),
      import('@aws-sdk/client-ecs/dist-es/models/enums.js')
    ]);
    return { request: schemas.RegisterTaskDefinitionRequest$, enums };
  } catch {
    const sdk = await import('@aws-sdk/client-ecs');
    return { request: sdk.RegisterTaskDefinitionRequest$, enums: sdk };
  }
}
