namespace BrandBot.Rules.Store;

/// <summary>
/// Writes the <c>media:</c> section of rules about to be published: for each local file the replies
/// name, the id <c>account apply</c> recorded for its bytes (docs/rules-file.md#local-files). Files that were
/// never uploaded stay without an id, and the publisher refuses them.
/// </summary>
public interface IRuleMediaResolver
{
    /// <param name="folder">Where relative paths start: the published file's folder; null for the account's configured rules file's.</param>
    /// <exception cref="PublishRefusedException">A file cannot be read and was never published before.</exception>
    Task<string> ResolveAsync(string account, string yaml, string? folder, CancellationToken cancellationToken);
}
