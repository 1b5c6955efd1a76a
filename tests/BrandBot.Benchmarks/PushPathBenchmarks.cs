using System.Text;
using BenchmarkDotNet.Attributes;
using BrandBot.Protocol.Crypto;
using BrandBot.Protocol.Inbound;
using BrandBot.Protocol.Replies;
using BrandBot.Protocol.Simulation;
using BrandBot.Rules.Matching;

namespace BrandBot.Benchmarks;

/// <summary>Each step of one push, as the request path runs it: time and allocations per operation.</summary>
[MemoryDiagnoser]
public class PushPathBenchmarks
{
    private const string Token = "loadTestToken";
    private const string AppId = "wx1234567890abcdef";
    private const string Key = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";

    private readonly byte[] _key = AesKey.Decode(Key);
    private readonly byte[] _prefix = new byte[16];
    private byte[] _plainXml = [];
    private string _encrypt = "";
    private CompiledRuleSet _rules = null!;
    private ReplyBody _reply = null!;
    private InboundMessage _message = null!;

    [GlobalSetup]
    public void Setup()
    {
        var xml = SampleMessages.Text("gh_load", "o-follower-1234", 1_795_000_000, "kw4242", 7_000_000_000_000_000_001);
        _plainXml = Encoding.UTF8.GetBytes(xml);
        _encrypt = Envelope.Seal(_key, _prefix, _plainXml, AppId);
        _rules = new CompiledRuleSet(SyntheticRules.Create(10_000));
        _reply = ReplyBody.Prepare(new TextReply("We open 9:00-21:00"));
        _message = InboundParser.Parse(_plainXml);
    }

    [Benchmark]
    public bool VerifySignature() => Signature.Verify("f464b24fc39322e44b38aa78f5edd27bd1441696", Token, "1714036504", "1514711492");

    [Benchmark]
    public byte[] Decrypt() => Envelope.Open(_key, _encrypt, AppId);

    [Benchmark]
    public InboundMessage Parse() => InboundParser.Parse(_plainXml);

    [Benchmark]
    public RouteResult Match() => _rules.Route(_message);

    [Benchmark]
    public byte[] WriteReply() => ReplyWriter.Write("o-follower-1234", "gh_load", 1_795_000_000, _reply);

    [Benchmark]
    public string Encrypt() => Envelope.Seal(_key, _prefix, _plainXml, AppId);
}
