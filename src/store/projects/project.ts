export interface Project {
  id: number;
  /** Unique, e.g. `acme/web`. */
  name: string;
  repoUrl: string | null;
  defaultBranch: string;
  createdAt: Date;
}

export const projectColumns = `id, name, repo_url AS "repoUrl", default_branch AS "defaultBranch", created_at AS "createdAt"`;
