namespace BrandBot.Outbound.Sending;

/// <summary>
/// WeChat's codes in sentences an operator understands (docs/outbound-messages.md#errors), and which of
/// them mean "nothing was sent, try again later".
/// </summary>
public static class WeChatErrors
{
    /// <summary>−1 system busy, 45011 API frequency limit: WeChat refused before sending, so a later try is safe.</summary>
    public static bool IsTransient(int code) => code is -1 or 45011;

    public static string Describe(int code, string errmsg) => code switch
    {
        40003 => "not an OpenID of this account (40003)",
        40036 => "the template id is malformed (40036)",
        40037 => "unknown template: not among the account's templates (40037)",
        43004 => "the recipient does not follow the account (43004)",
        43101 => "the follower has not accepted this subscription notification, or used the grant (43101)",
        45009 => "WeChat's daily limit for this kind of message is used up (45009)",
        45015 => "outside the customer-service window, or the follower left (45015)",
        45047 => "the customer-service allowance since the follower's last message is used up (45047)",
        47003 => "the template data does not fit the template (47003)",
        _ => $"WeChat refused it: errcode {code} ({errmsg})",
    };

    /// <summary>A TEMPLATESENDJOBFINISH <c>Status</c> other than <c>success</c>.</summary>
    public static string DescribeFinish(string status) => status.Replace(" ", "", StringComparison.Ordinal) switch
    {
        "failed:userblock" => "the follower refuses the account's messages (failed:user block)",
        "failed:systemfailed" => "WeChat could not deliver it (failed: system failed)",
        "failed:freqlimit" => "WeChat held it back: too many messages to this follower (failed:freq limit)",
        _ => $"WeChat could not deliver it ({status})",
    };
}
