namespace BrandBot.Delivery.Pipeline;

/// <summary>How an OpenID appears to people (outbound API answers, CLI, dashboard, broadcast previews): its first 4 and last 2 characters.</summary>
public static class OpenIdMask
{
    public static string Mask(string openId) =>
        openId.Length <= 8 ? new string('*', openId.Length) : string.Concat(openId.AsSpan(0, 4), "…", openId.AsSpan(openId.Length - 2));
}
