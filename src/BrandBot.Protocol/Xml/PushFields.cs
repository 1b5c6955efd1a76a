namespace BrandBot.Protocol.Xml;

/// <summary>
/// The leaf values of a push document, keyed by their element path below the root
/// (<c>Content</c>, <c>ScanCodeInfo/ScanType</c>, <c>SendPicsInfo/PicList/item/PicMd5Sum</c>).
/// docs/protocol.md §10: a generic bag plus typed views, so fields WeChat adds later are kept, not lost.
/// </summary>
public sealed class PushFields
{
    private readonly Dictionary<string, string> _first = new(StringComparer.Ordinal);
    private readonly List<KeyValuePair<string, string>> _all = [];

    public int Count => _all.Count;

    /// <summary>Every leaf in document order, repeated paths included.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> All => _all;

    /// <summary>The first value at <paramref name="path"/>, or null.</summary>
    public string? this[string path] => _first.GetValueOrDefault(path);

    public bool Contains(string path) => _first.ContainsKey(path);

    /// <summary>All values at a repeated path, e.g. each picture's MD5 in a pic_* event.</summary>
    public IEnumerable<string> AllAt(string path)
    {
        foreach (var pair in _all)
        {
            if (pair.Key == path)
            {
                yield return pair.Value;
            }
        }
    }

    internal void Add(string path, string value)
    {
        _all.Add(new(path, value));
        _first.TryAdd(path, value);
    }
}
