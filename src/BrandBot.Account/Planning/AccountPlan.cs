using BrandBot.Account.Media;
using BrandBot.Account.Menus;
using BrandBot.Rules.Model;

namespace BrandBot.Account.Planning;

/// <summary>One line of a plan: <c>+</c> add, <c>~</c> change, <c>-</c> remove; what it is about and how.</summary>
public sealed record PlanChange(char Sign, string Kind, string Target, string Detail)
{
    public override string ToString() => $"{Sign} {Kind} {Target}{(Detail.Length == 0 ? "" : ": " + Detail)}";
}

/// <summary>One write call <c>account apply</c> makes, in the order it makes them.</summary>
public abstract record ApplyStep;

public sealed record CreateTagStep(string Name) : ApplyStep;

public sealed record CreateMenuStep(IReadOnlyList<WireButton> Buttons) : ApplyStep;

public sealed record DeleteConditionalStep(string MenuId, string Tag) : ApplyStep;

public sealed record AddConditionalStep(string Tag, IReadOnlyList<WireButton> Buttons) : ApplyStep;

public sealed record MintCodeStep(string Scene, QrDefinition Qr) : ApplyStep;

/// <summary>Uploads a local file the rules name as permanent material (or through uploadimg), recording its id by content hash.</summary>
public sealed record UploadMediaStep(RuleMediaFile File) : ApplyStep;

/// <summary>A local file the rules name, and whether its bytes were uploaded before (then apply leaves it alone).</summary>
public sealed record PlannedUpload(RuleMediaFile File, bool Unchanged)
{
    public override string ToString() =>
        $"{File.Kind.Name} {File.File} ({MediaKind.Size(File.Size)}, sha256 {File.ShortHash}): {(Unchanged ? "unchanged" : "upload")}";
}

/// <summary>What <c>account apply</c> would change: the lines to show, the calls to make, and every local file with its state.</summary>
public sealed record AccountPlan(IReadOnlyList<PlanChange> Changes, IReadOnlyList<ApplyStep> Steps)
{
    public bool IsEmpty => Steps.Count == 0;

    public IReadOnlyList<PlannedUpload> Uploads { get; init; } = [];
}
