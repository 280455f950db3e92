// What holds for one file of the project: the project's knowledge with the settings of the nearest folder that
// declares its own (an installed package's Requires-Python, a monorepo package's pyproject.toml).
import type { FolderKnowledge, ProjectKnowledge, PythonRange, PythonVersion } from './types.js';

/** The oldest CPython upstream still supports at this release (3.10 reached end of life in October 2026, 3.11
 *  does in October 2027: bump it then, in a release): what a project that declares nothing is assumed to run
 *  on. A constant, not the calendar: the same code gets the same findings whatever the day. */
export const DEFAULT_OLDEST_PYTHON: PythonVersion = [3, 11];

/** Each setting from the nearest folder holding `path` that declares it, else the project's. */
export function knowledgeForPath(project: ProjectKnowledge, path: string): ProjectKnowledge {
  if (!project.folders?.length) return project;
  // Files of one folder share the answer (a run asks for every file).
  const folder = path.slice(0, path.lastIndexOf('/') + 1);
  let byFolder = answers.get(project);
  if (!byFolder) answers.set(project, (byFolder = new Map()));
  let answer = byFolder.get(folder);
  if (!answer) byFolder.set(folder, (answer = resolveForPath(project, path)));
  return answer;
}

const answers = new WeakMap<ProjectKnowledge, Map<string, ProjectKnowledge>>();

function resolveForPath(project: ProjectKnowledge, path: string): ProjectKnowledge {
  const folders = project.folders ?? [];
  const holding = folders
    .filter(({ folder }) => folder === '' || path.startsWith(`${folder}/`))
    .sort((a, b) => b.folder.length - a.folder.length);
  if (holding.length === 0) return project;
  const nearest = <K extends keyof FolderKnowledge>(key: K) => holding.find((entry) => entry[key] !== undefined)?.[key];
  // A nearer folder's null (unknown) wins over a farther folder's marks, so `??` cannot pick it.
  const marksFrom = holding.find((entry) => entry.asyncTestMarks !== undefined);
  return {
    ...project,
    targetPython: nearest('targetPython') ?? project.targetPython,
    asyncTestsRunAutomatically: nearest('asyncTestsRunAutomatically') ?? project.asyncTestsRunAutomatically,
    asyncTestMarks: marksFrom ? marksFrom.asyncTestMarks : project.asyncTestMarks,
  };
}

export function versionAtLeast(version: PythonVersion, wanted: PythonVersion): boolean {
  return version[0] > wanted[0] || (version[0] === wanted[0] && version[1] >= wanted[1]);
}

/** Does every Python in the range have what `wanted` introduced? */
export function rangeHas(range: PythonRange | undefined, wanted: PythonVersion): boolean {
  return versionAtLeast(range?.oldest ?? DEFAULT_OLDEST_PYTHON, wanted);
}

/** Does the range reach `version` (the project may run on it)? */
export function rangeReaches(range: PythonRange | undefined, version: PythonVersion): boolean {
  return !range?.below || !versionAtLeast(version, range.below);
}
