/**
 * The GitHub stargazer crawler: {@link io.gale.operators.github.GithubReposOperator} (repositories
 * from a list, an awesome list or a search, with their metadata) and
 * {@link io.gale.operators.github.GithubStargazersOperator} (who starred them, resumable page by
 * page), on top of {@link io.gale.operators.github.GithubCrawl}, which follows GitHub's rate-limit
 * rules per credential and writes through {@link io.gale.operators.github.store.StarStore}.
 */
package io.gale.operators.github;
