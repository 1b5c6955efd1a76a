namespace BrandBot.Rules.Model;

/// <summary>
/// The account's custom menu as declared in the rules file (<c>menu:</c>): the default menu, and
/// conditional menus shown to followers with a tag (<c>byTag:</c>). Applied with <c>account apply</c>.
/// </summary>
public sealed record MenuDefinition(IReadOnlyList<ButtonDefinition> Buttons, IReadOnlyList<TagMenuDefinition> ByTag, int Line);

/// <summary>A conditional menu: followers carrying <see cref="Tag"/> see these buttons instead of the default ones.</summary>
public sealed record TagMenuDefinition(string Tag, IReadOnlyList<ButtonDefinition> Buttons, int Line);

/// <summary>One button: a leaf with an <see cref="Action"/>, or a parent with <see cref="Sub"/> buttons (never both).</summary>
public sealed record ButtonDefinition(string Name, ButtonAction? Action, IReadOnlyList<ButtonDefinition> Sub, int Line)
{
    public bool IsParent => Sub.Count > 0;
}

/// <summary>What a leaf button does, in WeChat's terms (docs/wechat-account-apis.md §1.3).</summary>
public sealed record ButtonAction(ButtonKind Kind, int Line)
{
    /// <summary>The event key (click, scan, photo, location).</summary>
    public string? Key { get; init; }

    /// <summary>The link (view), or a mini program's fallback link for old clients.</summary>
    public string? Url { get; init; }

    public string? AppId { get; init; }

    public string? PagePath { get; init; }

    public string? ArticleId { get; init; }

    /// <summary>WeChat's <c>type</c> for this kind.</summary>
    public string WireType => Kind switch
    {
        ButtonKind.Click => "click",
        ButtonKind.View => "view",
        ButtonKind.MiniProgram => "miniprogram",
        ButtonKind.ScanPush => "scancode_push",
        ButtonKind.ScanWait => "scancode_waitmsg",
        ButtonKind.PhotoCamera => "pic_sysphoto",
        ButtonKind.PhotoAlbum => "pic_weixin",
        ButtonKind.PhotoAny => "pic_photo_or_album",
        ButtonKind.Location => "location_select",
        _ => "article_id",
    };
}

public enum ButtonKind
{
    Click,
    View,
    MiniProgram,
    ScanPush,
    ScanWait,
    PhotoCamera,
    PhotoAlbum,
    PhotoAny,
    Location,
    Article,
}

/// <summary>
/// What a QR scene is besides its replies: the parametric code to mint for it and the tag its
/// followers get (<c>follow.scenes.NAME.qr</c> / <c>.tag</c>).
/// </summary>
public sealed record ChannelDefinition(string Scene, QrDefinition? Qr, string? Tag, int Line)
{
    public int TagLine { get; init; } = Line;
}

/// <summary>A permanent code (minted once, ever), or a temporary one valid for <see cref="Expires"/> (at most 30 days).</summary>
public sealed record QrDefinition(bool Permanent, TimeSpan? Expires, int Line)
{
    public static readonly TimeSpan MaxExpiry = TimeSpan.FromDays(30);
}
