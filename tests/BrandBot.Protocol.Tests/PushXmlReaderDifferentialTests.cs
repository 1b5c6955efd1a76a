using System.Text;
using BrandBot.Protocol.Xml;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace BrandBot.Protocol.Tests;

/// <summary>
/// The hand-written <see cref="PushXmlReader"/> against System.Xml (<see cref="ReferenceXmlReader"/>):
/// on generated documents and on mutations of them, both refuse, or both read the same leaves in
/// the same order with the same values.
/// </summary>
public class PushXmlReaderDifferentialTests
{
    private static readonly string[] Names = ["xml", "ToUserName", "Content", "a", "x-y", "_n", "item", "B.2"];

    private static readonly string[] TextPieces =
    [
        "hello", " ", "  ", "\n", "\r\n", "\t", "\r", "你好", "😀", ">", "&lt;", "&amp;", "&gt;", "&quot;", "&apos;",
        "&#65;", "&#x4F60;", "&#x1F600;", "&#13;", "&#32;", "a b", "]", "]]", "\u3000", "'", "\"",
    ];

    private static readonly string[] CDataPieces = ["", "x", "a < b & c", " padded ", "]]", "]", "<tag>", "你好", "\r\n", "&amp;"];

    [Property(MaxTest = 3000)]
    public Property GeneratedDocuments_ReadAlike() =>
        Prop.ForAll(Documents().ToArbitrary(), body => Agrees(body).Label(Describe(body)));

    [Property(MaxTest = 4000)]
    public Property MutatedDocuments_ReadAlike() =>
        Prop.ForAll(
            (from document in Documents()
             from kind in Gen.Choose(0, 3)
             from position in Gen.Choose(0, 10_000)
             from value in Gen.Elements("<>/!?[]&;#=\"' \r\n\tax-:CDAT1"u8.ToArray())
             from count in Gen.Choose(1, 6)
             select (Body: ByteMutation.Apply(document, kind, position % Math.Max(1, document.Length), value, count, replace: true), InDeclaration: InDeclaration(document, position))).ToArbitrary(),
            mutated => Agrees(mutated.Body, mayBeStricter: mutated.InDeclaration).Label(Describe(mutated.Body)));

    /// <summary>
    /// Whether a mutation falls in the XML declaration, where this reader is deliberately stricter
    /// than XmlReader (version exactly 1.0, nothing after the value but its closing quote).
    /// </summary>
    private static bool InDeclaration(byte[] document, int position)
    {
        var end = document.AsSpan().IndexOf("?>"u8);
        return document.AsSpan().StartsWith("<?xml"u8) && end >= 0 && position % Math.Max(1, document.Length) <= end + 2;
    }

    [Theory]
    [InlineData("<xml><a>  </a><b></b><c/></xml>")]
    [InlineData("<xml><a> x <![CDATA[ y ]]> z </a></xml>")]
    [InlineData("<xml><a>x<!-- c -->y<?pi data?>z</a></xml>")]
    [InlineData("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<!-- before --><xml a='1' b=\"&amp;\"><k>v</k></xml>\n<!-- after -->\n")]
    [InlineData("\uFEFF<xml><k>v</k></xml>")]
    [InlineData("<xml><a><b><c>deep</c></b>tail</a></xml>")]
    [InlineData("<xml><a>line1\r\nline2\rline3</a></xml>")]
    [InlineData("<xml><a>&#13;</a><b>&#32;</b></xml>")]
    [InlineData("<xml><a>]]></a></xml>")]
    [InlineData("<xml><a>x</b></xml>")]
    [InlineData("<xml a='1' a='2'/>")]
    [InlineData("<xml><a>&#0;</a></xml>")]
    [InlineData("<xml><a>&#xD800;</a></xml>")]
    [InlineData("<xml><!-- a -- b --></xml>")]
    [InlineData("<xml/><?xml version='1.0'?>")]
    [InlineData("<xml></xml>text")]
    [InlineData("  <xml></xml>  ")]
    [InlineData("<xml><a x='<'/></xml>")]
    [InlineData("<xml><a x='&bogus;'/></xml>")]
    [InlineData("<xml><a\n>v</a\n></xml>")]
    [InlineData("<xml><a>v</a ></xml>")]
    [InlineData("<xml><1a>v</1a></xml>")]
    [InlineData("<?xml version='1.0' encoding='UTF-16'?><xml/>")]
    [InlineData("<xml><p:q>v</p:q></xml>")]
    [InlineData("<xml><a p:b='1'>v</a></xml>")]
    public void Edges_ReadAlike(string xml) =>
        Assert.True(Agrees(Encoding.UTF8.GetBytes(xml)), Describe(Encoding.UTF8.GetBytes(xml)));

    [Fact]
    public void Read_AllocatesLittle()
    {
        var body = Encoding.UTF8.GetBytes(
            "<xml><ToUserName><![CDATA[gh_97417a04a28d]]></ToUserName><FromUserName><![CDATA[o9AgO5Kd5ggOC-bXrbNODIiE3bGY]]></FromUserName>" +
            "<CreateTime>1714112445</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[你好]]></Content><MsgId>7000000000000000001</MsgId></xml>");
        PushXmlReader.Read(body);
        var before = GC.GetAllocatedBytesForCurrentThread();
        PushXmlReader.Read(body);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        // The values, the fields' list and dictionary; System.Xml needed ~16 KB of buffers for this.
        Assert.True(allocated < 2048, $"allocated {allocated} bytes");
    }

    private static bool Agrees(byte[] body) => Agrees(body, mayBeStricter: false);

    private static bool Agrees(byte[] body, bool mayBeStricter)
    {
        var expected = Outcome(() => ReferenceXmlReader.Read(body));
        var actual = Outcome(() => [.. PushXmlReader.Read(body).All]);
        return expected is null
            ? actual is null
            : (actual is null && mayBeStricter) || (actual is not null && expected.SequenceEqual(actual));
    }

    private static List<KeyValuePair<string, string>>? Outcome(Func<List<KeyValuePair<string, string>>> read)
    {
        try
        {
            return read();
        }
        catch (InboundXmlException)
        {
            return null;
        }
    }

    private static string Describe(byte[] body)
    {
        static string Show(List<KeyValuePair<string, string>>? fields) =>
            fields is null ? "refused" : string.Join(", ", fields.Select(f => $"{f.Key}='{f.Value}'"));

        var shown = Encoding.UTF8.GetString(body).Replace("\r", "\\r").Replace("\n", "\\n").Replace("\t", "\\t").Replace("\uFEFF", "\\uFEFF");
        return $"{shown} -> reference: {Show(Outcome(() => ReferenceXmlReader.Read(body)))}; ours: {Show(Outcome(() => [.. PushXmlReader.Read(body).All]))}";
    }

    private static Gen<byte[]> Documents() =>
        from declaration in Gen.Elements("", "<?xml version=\"1.0\"?>", "<?xml version='1.0' encoding='UTF-8'?>\n", "\uFEFF")
        from before in Gen.Elements("", "\n", "<!-- c -->", "<?pi x?>")
        from root in Element(0)
        from after in Gen.Elements("", "\n", "<!-- c -->\n")
        select Encoding.UTF8.GetBytes(declaration + before + root + after);

    private static Gen<string> Element(int depth) =>
        from name in Gen.Elements(Names)
        from attributes in Gen.Elements("", " a='1'", " b=\"x &amp; y\"", " c = 'z'")
        from empty in Gen.Frequency((1, Gen.Constant(true)), (4, Gen.Constant(false)))
        from spaceInTag in Gen.Elements("", " ", "\n")
        from children in depth >= 3 ? Gen.Constant(Array.Empty<string>()) : Gen.Choose(0, 3).SelectMany(n => Content(depth).ArrayOf(n))
        select empty
            ? $"<{name}{attributes}{spaceInTag}/>"
            : $"<{name}{attributes}{spaceInTag}>{string.Concat(children)}</{name}{spaceInTag}>";

    private static Gen<string> Content(int depth) =>
        Gen.Frequency(
            (4, Gen.Elements(TextPieces).ArrayOf().Select(pieces => string.Concat(pieces.Take(4)))),
            (2, Gen.Elements(CDataPieces).Select(c => $"<![CDATA[{c}]]>")),
            (1, Gen.Elements("<!-- note -->", "<?app data?>")),
            (4, Gen.Constant(0).SelectMany(_ => Element(depth + 1))));
}
