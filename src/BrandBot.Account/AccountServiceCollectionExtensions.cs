using BrandBot.Account.Media;
using BrandBot.Account.Tagging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BrandBot.Account;

public static class AccountServiceCollectionExtensions
{
    /// <summary>
    /// The follower-tagging queue (embedded unless a shared one was registered before) and the tagger
    /// that drains it. The caller registers an <see cref="ITaggingObserver"/>.
    /// </summary>
    public static IServiceCollection AddAccountTagging(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ITagQueue, InMemoryTagQueue>();
        services.AddSingleton<Tagger>();
        return services;
    }

    /// <summary>The media records (embedded unless a shared store was registered before) and the uploader that fills them once per file.</summary>
    public static IServiceCollection AddMediaUploads(this IServiceCollection services)
    {
        services.TryAddSingleton<IMediaRecords, InMemoryMediaRecords>();
        services.TryAddSingleton<MediaUploader>();
        return services;
    }

    /// <summary>
    /// Rules may name local files (docs/rules-file.md#local-files): publish fills in the ids account apply
    /// recorded. <paramref name="rulesFolders"/> holds each account's rules-file folder.
    /// </summary>
    public static IServiceCollection AddRuleMedia(this IServiceCollection services, IReadOnlyDictionary<string, string> rulesFolders)
    {
        services.AddMediaUploads();
        services.TryAddSingleton<BrandBot.Rules.Store.IRuleMediaResolver>(sp => new RuleMediaResolver(sp.GetRequiredService<IMediaRecords>(), rulesFolders));
        return services;
    }
}
