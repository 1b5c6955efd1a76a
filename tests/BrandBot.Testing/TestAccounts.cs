namespace BrandBot.Testing;

/// <summary>Accounts and rules used by the endpoint tests; each test class writes its own rules file.</summary>
public static class TestAccounts
{
    public const string Token = "brandbotToken42";
    public const string AppId = "wx5823bf96d3bd56c7";
    public const string Key = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
    public const string PreviousKey = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR";
    public const string OpenId = "o9AgO5Kd5ggOC-bXrbNODIiE3bGY";
    public const string Gh = "gh_97417a04a28d";

    public const string Rules = """
        follow:
          replies: [ text: "welcome" ]
          scenes:
            poster-2026:
              replies:
                - text: "poster thanks"
        default:
          replies: [ text: "default reply" ]
        rules:
          - name: hours
            keywords:
              - equal: "hours"
              - contain: "营业时间"
            menuKeys: [ HOURS ]
            replies: [ text: "We open 9:00-21:00" ]
          - name: news
            keywords: [ equal: "news" ]
            menuKeys: [ NEWS ]
            replies:
              - news:
                  - { title: "one", description: "d1", picUrl: "https://example.com/1.jpg", url: "https://example.com/1" }
                  - { title: "two", url: "https://example.com/2" }
                  - { title: "three", url: "https://example.com/3" }
          - { name: image, keywords: [ equal: "image" ], menuKeys: [ IMAGE ], replies: [ image: { mediaId: "IMG_ID" } ] }
          - { name: voice, keywords: [ equal: "voice" ], menuKeys: [ VOICE ], replies: [ voice: { mediaId: "VOICE_ID" } ] }
          - { name: video, keywords: [ equal: "video" ], menuKeys: [ VIDEO ], replies: [ video: { mediaId: "VIDEO_ID", title: "vt", description: "vd" } ] }
          - { name: music, keywords: [ equal: "music" ], menuKeys: [ MUSIC ], replies: [ music: { title: "mt", description: "md", musicUrl: "https://m", hqMusicUrl: "https://hq", thumbMediaId: "THUMB" } ] }
          - { name: agent, keywords: [ equal: "agent" ], replies: [ transfer: { kfAccount: "agent1@brand" } ] }
          - { name: long, keywords: [ equal: "cdata" ], replies: [ text: "a]]>b" ] }
        """;

    /// <summary>Settings for one encrypted account "acme" (with a previous key) and one plaintext-only "plain".</summary>
    public static Dictionary<string, string?> Settings(string rulesFile, int maxBodyBytes = 256 * 1024) => new()
    {
        ["BrandBot:MaxBodyBytes"] = maxBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        // One test follower sends hundreds of messages here; DeliveryTests cover the limits themselves.
        ["BrandBot:RateLimit:PerFollower"] = "0",
        ["BrandBot:Accounts:0:Name"] = "acme",
        ["BrandBot:Accounts:0:AppId"] = AppId,
        ["BrandBot:Accounts:0:Token"] = Token,
        ["BrandBot:Accounts:0:EncodingAESKey"] = Key,
        ["BrandBot:Accounts:0:PreviousEncodingAESKey"] = PreviousKey,
        ["BrandBot:Accounts:0:RulesFile"] = rulesFile,
        ["BrandBot:Accounts:1:Name"] = "plain",
        ["BrandBot:Accounts:1:Token"] = Token,
        ["BrandBot:Accounts:1:RulesFile"] = rulesFile,
    };

    public static string WriteRules(string yaml)
    {
        var path = Path.Combine(Path.GetTempPath(), "brandbot-tests", Guid.NewGuid().ToString("n"), "rules.yaml");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, yaml);
        return path;
    }
}
