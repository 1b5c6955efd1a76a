using BrandBot.Commands;
using BrandBot.Options;
using YamlDotNet.RepresentationModel;

namespace BrandBot.IntegrationTests.Deploy;

/// <summary>
/// The deploy/ files parse and agree with each other and with the code. No Docker engine or cluster
/// runs here: what is checked is the files themselves, nginx -t on the site, and (in
/// ProxyEndToEndTests) the image's start command run as a process.
/// </summary>
public class DeployArtefactTests
{
    [Fact]
    public void Dockerfile_StartsTheExecutable_AsNonRoot_AndChecksItselfWithProbe()
    {
        var dockerfile = File.ReadAllText(DeployFiles.Path("Dockerfile"));
        Assert.Equal(["dotnet", "BrandBot.dll"], DeployFiles.EntryPoint());
        Assert.Equal(["dotnet", "BrandBot.dll", "probe", "http://127.0.0.1:8080/healthz"], DeployFiles.HealthCheck());
        Assert.Equal("http://+:8080", DeployFiles.ImageEnvironment("ASPNETCORE_URLS"));
        Assert.Contains("\nUSER app\n", dockerfile);
        Assert.Equal(2, dockerfile.Split('\n').Count(l => l.StartsWith("FROM ", StringComparison.Ordinal)));
        // Every project the executable needs is restored in the build stage.
        foreach (var project in Directory.GetDirectories(Path.Combine(DeployFiles.RepoRoot, "src")).Select(Path.GetFileName))
        {
            Assert.Contains($"COPY src/{project}/{project}.csproj src/{project}/", dockerfile);
        }
    }

    [Fact]
    public async Task Probe_ExitsZeroForAHealthyServer_OneOtherwise()
    {
        await using var server = await TestServer.StartAsync(TestAccounts.Settings(TestAccounts.WriteRules(TestAccounts.Rules)));
        var output = new StringWriter();
        Assert.Equal(0, await ProbeCommand.RunAsync(server.Client.BaseAddress + "healthz", output, output));
        Assert.Equal(1, await ProbeCommand.RunAsync($"http://127.0.0.1:{Ports.Free()}/healthz", output, output));
        Assert.Equal(1, await ProbeCommand.RunAsync(server.Client.BaseAddress + "nothing-here", output, output));
    }

    [Fact]
    public void Compose_HasRedisTwoReplicasAndNginx_WiredToTheSameSite()
    {
        var compose = Load("docker-compose.yml").Single();
        var services = (YamlMappingNode)compose["services"];
        Assert.Equal(["brandbot-1", "brandbot-2", "nginx", "redis"], services.Children.Keys.Select(k => k.ToString()).Order());
        foreach (var replica in new[] { "brandbot-1", "brandbot-2" })
        {
            var service = (YamlMappingNode)services[replica];
            var environment = (YamlMappingNode)service["environment"];
            Assert.Equal("redis:6379", environment["BrandBot__Redis"].ToString());
            Assert.Equal("/bot", environment["BrandBot__PathBase"].ToString());
            Assert.Equal("deploy/Dockerfile", ((YamlMappingNode)service["build"])["dockerfile"].ToString());
            Assert.Contains(((YamlSequenceNode)service["volumes"]).Select(v => v.ToString()), v => v.EndsWith(":" + SecretFiles.DefaultDirectory + ":ro", StringComparison.Ordinal));
        }

        var nginx = (YamlMappingNode)services["nginx"];
        Assert.Contains(((YamlSequenceNode)nginx["volumes"]).Select(v => v.ToString()), v => v.StartsWith("./nginx/brandbot.conf.template:", StringComparison.Ordinal));
        var upstreams = ((YamlMappingNode)nginx["environment"])["BRANDBOT_UPSTREAMS"].ToString();
        Assert.Contains("server brandbot-1:8080", upstreams);
        Assert.Contains("server brandbot-2:8080", upstreams);
        Assert.True(File.Exists(DeployFiles.Path("nginx", "brandbot.conf.template")));
    }

    [Fact]
    public void Kubernetes_ProbesSecretsRulesAndDisruptionBudget()
    {
        var kustomization = Load("k8s", "kustomization.yaml").Single();
        var documents = ((YamlSequenceNode)kustomization["resources"]).SelectMany(r => Load("k8s", r.ToString())).ToList();
        var kinds = documents.Select(d => d["kind"].ToString()).Order().ToList();
        Assert.Equal(["ConfigMap", "Deployment", "Ingress", "Namespace", "PodDisruptionBudget", "Service"], kinds);

        var deployment = documents.Single(d => d["kind"].ToString() == "Deployment");
        var pod = (YamlMappingNode)((YamlMappingNode)((YamlMappingNode)deployment["spec"])["template"])["spec"];
        var container = (YamlMappingNode)((YamlSequenceNode)pod["containers"]).Single();
        Assert.Equal("/healthz", At(container, "livenessProbe", "httpGet", "path"));
        Assert.Equal("/readyz", At(container, "readinessProbe", "httpGet", "path"));
        Assert.Equal("8080", ((YamlMappingNode)((YamlSequenceNode)container["ports"]).Single())["containerPort"].ToString());
        var mounts = ((YamlSequenceNode)container["volumeMounts"]).Cast<YamlMappingNode>().ToDictionary(m => m["name"].ToString(), m => m["mountPath"].ToString());
        Assert.Equal(SecretFiles.DefaultDirectory, mounts["secrets"]);
        var rulesFile = ((YamlSequenceNode)container["env"]).Cast<YamlMappingNode>().Single(e => e["name"].ToString() == "BrandBot__Accounts__0__RulesFile")["value"].ToString();
        Assert.StartsWith(mounts["rules"] + "/", rulesFile);
        // Long enough for a push's budget plus the follow-up drain (HostOptions.ShutdownTimeout).
        Assert.True(int.Parse(pod["terminationGracePeriodSeconds"].ToString(), System.Globalization.CultureInfo.InvariantCulture) >= 4 + 10 + 2);

        var ingress = documents.Single(d => d["kind"].ToString() == "Ingress");
        var annotations = (YamlMappingNode)((YamlMappingNode)ingress["metadata"])["annotations"];
        Assert.Equal("false", annotations["nginx.ingress.kubernetes.io/ssl-redirect"].ToString());

        var secret = Load("k8s", "secret.example.yaml").Single();
        Assert.All(((YamlMappingNode)secret["stringData"]).Children.Keys, k => Assert.StartsWith("BrandBot__Accounts__", k.ToString()));
    }

    [Fact]
    public void SystemdUnit_RunsThePublishedExecutable_AndWaitsForTheDrain()
    {
        var unit = File.ReadAllLines(DeployFiles.Path("systemd", "brandbot.service"));
        Assert.Contains(unit, l => l.StartsWith("ExecStart=/usr/bin/dotnet /opt/brandbot/BrandBot.dll", StringComparison.Ordinal));
        Assert.Contains("KillSignal=SIGTERM", unit);
        Assert.Contains("TimeoutStopSec=30", unit);
        Assert.Contains("User=brandbot", unit);
    }

    [Fact]
    public async Task NginxSite_PassesNginxTest()
    {
        // NginxServer runs `nginx -t` on the rendered template before starting it.
        await using var nginx = await NginxServer.StartAsync([Ports.Free()]);
        Assert.True(await Ports.AcceptsAsync(nginx.Port));
    }

    [Fact]
    public void TlsSnippet_UsesTheHttp2Directive_NotTheDeprecatedListenFlag()
    {
        var snippet = File.ReadAllLines(DeployFiles.Path("nginx", "tls.conf.example")).Where(l => !l.TrimStart().StartsWith('#')).ToList();

        Assert.Contains("listen 443 ssl;", snippet);
        Assert.Contains("http2 on;", snippet);
        Assert.DoesNotContain(snippet, l => l.StartsWith("listen", StringComparison.Ordinal) && l.Contains("http2", StringComparison.Ordinal));
    }

    private static string At(YamlMappingNode node, params string[] keys) =>
        keys.Aggregate((YamlNode)node, (current, key) => ((YamlMappingNode)current)[key]).ToString();

    private static List<YamlMappingNode> Load(params string[] path)
    {
        var stream = new YamlStream();
        using var reader = new StringReader(File.ReadAllText(DeployFiles.Path(path)));
        // Compose's x-… anchors are merged (<<:) the way compose itself reads them.
        stream.Load(new YamlDotNet.Core.MergingParser(new YamlDotNet.Core.Parser(reader)));
        return [.. stream.Documents.Select(d => (YamlMappingNode)d.RootNode)];
    }
}
