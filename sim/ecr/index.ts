/**
 * Amazon ECR (JSON 1.1, target prefix AmazonEC2ContainerRegistry_V20150921): repositories
 * and the images pushed to them, enough for a pre-deploy check to ask "is this tag or digest
 * there?" (DescribeImages, BatchGetImage) and for the seed to push images (CreateRepository,
 * PutImage). Digests are the manifest's sha256, as ECR computes them.
 */
import { createHash } from 'node:crypto';
import { ApiError, type Handler, type ServiceModel, type SimClock } from '../types.js';
import { list, optNumber } from '../util.js';

export interface EcrDeps {
  clock: SimClock;
  region: string;
  accountId: string;
}

interface StoredImage {
  digest: string;
  tags: string[];
  manifest: string;
  mediaType: string;
  pushedAt: number;
  sizeInBytes: number;
}

interface Repository {
  name: string;
  createdAt: number;
  images: StoredImage[];
}

const REPOSITORY_NAME = /^(?=.{2,256}$)[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*$/;
const DIGEST = /^[0-9a-zA-Z-+.]+:[0-9a-fA-F]+$/;
const MANIFEST_V2 = 'application/vnd.docker.distribution.manifest.v2+json';

function invalid(message: string): ApiError {
  return new ApiError('InvalidParameterException', message);
}

function validation(value: unknown, member: string, rule: string): ApiError {
  return new ApiError(
    'ValidationException',
    `1 validation error detected: Value '${String(value)}' at '${member}' failed to satisfy constraint: ${rule}`
  );
}

/** ECR's own rendering of an image id in its messages: `{imageDigest:'null', imageTag:'v9'}`. */
function idText(id: { imageDigest?: string; imageTag?: string }): string {
  return `{imageDigest:'${id.imageDigest ?? 'null'}', imageTag:'${id.imageTag ?? 'null'}'}`;
}

export function createEcr(deps: EcrDeps): ServiceModel {
  const repositories = new Map<string, Repository>();
  const registryId = deps.accountId;
  const repositoryArn = (name: string): string => `arn:aws:ecr:${deps.region}:${registryId}:repository/${name}`;

  const repositoryName = (value: unknown): string => {
    if (value === undefined || value === null || value === '') {
      throw validation('null', 'repositoryName', 'Member must not be null');
    }
    const name = String(value);
    if (!REPOSITORY_NAME.test(name)) {
      throw validation(
        name,
        'repositoryName',
        'Member must satisfy regular expression pattern: (?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*'
      );
    }
    return name;
  };
  /** The repository a request names; another account's registry is, to this one, a repository that does not exist. */
  const findRepository = (input: Record<string, any>): Repository => {
    const name = repositoryName(input.repositoryName);
    const registry = input.registryId === undefined ? registryId : String(input.registryId);
    const repo = registry === registryId ? repositories.get(name) : undefined;
    if (!repo)
      throw new ApiError(
        'RepositoryNotFoundException',
        `The repository with name '${name}' does not exist in the registry with id '${registry}'`
      );
    return repo;
  };
  const find = (repo: Repository, id: { imageDigest?: string; imageTag?: string }): StoredImage | undefined =>
    repo.images.find(
      (i) => (id.imageDigest === undefined || i.digest === id.imageDigest) && (id.imageTag === undefined || i.tags.includes(id.imageTag))
    );
  const imageIds = (value: unknown, max: number): { imageDigest?: string; imageTag?: string }[] => {
    const ids = list<Record<string, unknown>>(value).map((raw) => ({
      ...(raw.imageDigest !== undefined ? { imageDigest: String(raw.imageDigest) } : {}),
      ...(raw.imageTag !== undefined ? { imageTag: String(raw.imageTag) } : {})
    }));
    if (ids.length > max) throw validation(`[${ids.length} image ids]`, 'imageIds', `Member must have length less than or equal to ${max}`);
    return ids;
  };
  const detail = (repo: Repository, image: StoredImage): Record<string, unknown> => ({
    registryId,
    repositoryName: repo.name,
    imageDigest: image.digest,
    ...(image.tags.length ? { imageTags: [...image.tags] } : {}),
    imageSizeInBytes: image.sizeInBytes,
    imagePushedAt: new Date(image.pushedAt),
    imageManifestMediaType: image.mediaType,
    artifactMediaType: 'application/vnd.docker.container.image.v1+json',
    imageStatus: 'ACTIVE'
  });

  const handlers: Record<string, Handler> = {
    CreateRepository: (input) => {
      const name = repositoryName(input.repositoryName);
      if (repositories.has(name)) {
        throw new ApiError(
          'RepositoryAlreadyExistsException',
          `The repository with name '${name}' already exists in the registry with id '${registryId}'`
        );
      }
      const repo: Repository = { name, createdAt: deps.clock.now(), images: [] };
      repositories.set(name, repo);
      return {
        repository: {
          repositoryArn: repositoryArn(name),
          registryId,
          repositoryName: name,
          repositoryUri: `${registryId}.dkr.ecr.${deps.region}.amazonaws.com/${name}`,
          createdAt: new Date(repo.createdAt),
          imageTagMutability: 'MUTABLE',
          imageScanningConfiguration: { scanOnPush: false },
          encryptionConfiguration: { encryptionType: 'AES256' }
        }
      };
    },
    PutImage: (input) => {
      const repo = findRepository(input);
      if (input.imageManifest === undefined || input.imageManifest === '')
        throw validation('null', 'imageManifest', 'Member must not be null');
      const manifest = String(input.imageManifest);
      const digest = `sha256:${createHash('sha256').update(manifest).digest('hex')}`;
      const tag = input.imageTag === undefined ? undefined : String(input.imageTag);
      // A mutable repository moves the tag to the new image, as `docker push` of an existing tag does.
      if (tag) for (const other of repo.images) other.tags = other.tags.filter((t) => t !== tag);
      let image = repo.images.find((i) => i.digest === digest);
      if (!image) {
        image = {
          digest,
          tags: [],
          manifest,
          mediaType: String(input.imageManifestMediaType ?? MANIFEST_V2),
          pushedAt: deps.clock.now(),
          sizeInBytes: 28_000_000 + manifest.length
        };
        repo.images.push(image);
      }
      if (tag) image.tags.push(tag);
      return {
        image: {
          registryId,
          repositoryName: repo.name,
          imageId: { imageDigest: digest, ...(tag ? { imageTag: tag } : {}) },
          imageManifest: manifest,
          imageManifestMediaType: image.mediaType
        }
      };
    },
    DescribeImages: (input) => {
      const repo = findRepository(input);
      const ids = imageIds(input.imageIds, 100);
      if (input.imageIds !== undefined && ids.length === 0)
        throw validation('[]', 'imageIds', 'Member must have length greater than or equal to 1');
      if (ids.length > 0) {
        // Unlike BatchGetImage, DescribeImages fails the whole call on the first id it cannot find.
        const found: StoredImage[] = [];
        for (const id of ids) {
          if (id.imageDigest !== undefined && !DIGEST.test(id.imageDigest))
            throw invalid(`Invalid parameter at 'imageDigest' failed to satisfy constraint: 'Invalid image digest'`);
          const image = find(repo, id);
          if (!image) {
            throw new ApiError(
              'ImageNotFoundException',
              `The image with imageId ${idText(id)} does not exist within the repository with name '${repo.name}' in the registry with id '${registryId}'`
            );
          }
          if (!found.includes(image)) found.push(image);
        }
        return { imageDetails: found.map((i) => detail(repo, i)) };
      }
      const max = optNumber(input.maxResults, 'maxResults', 'ValidationException') ?? 100;
      if (!Number.isInteger(max) || max < 1 || max > 1000)
        throw validation(input.maxResults, 'maxResults', 'Member must have value between 1 and 1000');
      const tagStatus = input.filter?.tagStatus === undefined ? 'ANY' : String(input.filter.tagStatus);
      const images = repo.images.filter((i) => tagStatus === 'ANY' || (tagStatus === 'TAGGED') === i.tags.length > 0);
      const start =
        input.nextToken === undefined
          ? 0
          : Number(
              Buffer.from(String(input.nextToken), 'base64')
                .toString('utf8')
                .replace(/^sim-ecr:/, '')
            );
      if (!Number.isInteger(start) || start < 0 || start > images.length)
        throw invalid("Invalid parameter at 'nextToken' failed to satisfy constraint: 'Invalid pagination token'");
      const page = images.slice(start, start + max);
      const next = start + max < images.length ? Buffer.from(`sim-ecr:${start + max}`).toString('base64') : undefined;
      return { imageDetails: page.map((i) => detail(repo, i)), nextToken: next };
    },
    BatchGetImage: (input) => {
      const repo = findRepository(input);
      const ids = imageIds(input.imageIds, 100);
      if (ids.length === 0) throw validation('[]', 'imageIds', 'Member must have length greater than or equal to 1');
      const images: Record<string, unknown>[] = [];
      const failures: Record<string, unknown>[] = [];
      for (const id of ids) {
        if (id.imageDigest === undefined && id.imageTag === undefined) {
          failures.push({
            imageId: id,
            failureCode: 'MissingDigestAndTag',
            failureReason: 'Invalid request parameters: both tag and digest cannot be null'
          });
          continue;
        }
        const image = find(repo, id);
        if (!image) {
          const wrongTag = id.imageDigest !== undefined && id.imageTag !== undefined && find(repo, { imageDigest: id.imageDigest });
          failures.push(
            wrongTag
              ? {
                  imageId: id,
                  failureCode: 'ImageTagDoesNotMatchDigest',
                  failureReason: 'Invalid request parameters: given tag does not map to the given digest'
                }
              : { imageId: id, failureCode: 'ImageNotFound', failureReason: 'Requested image not found' }
          );
          continue;
        }
        images.push({
          registryId,
          repositoryName: repo.name,
          imageId: { imageDigest: image.digest, ...(id.imageTag !== undefined ? { imageTag: id.imageTag } : {}) },
          imageManifest: image.manifest,
          imageManifestMediaType: image.mediaType
        });
      }
      return { images, failures };
    }
  };

  return {
    handlers,
    tick: () => undefined,
    snapshot: () => ({
      repositories: [...repositories.values()].map((r) => ({
        name: r.name,
        images: r.images.map((i) => ({ digest: i.digest, tags: i.tags }))
      }))
    })
  };
}
