namespace BrandBot.Commands;

/// <summary>Minimal option parsing for the operator verbs: <c>--name value</c> pairs and positional words.</summary>
public sealed class CommandLine
{
    private readonly Dictionary<string, string> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

    public CommandLine(IEnumerable<string> args, params string[] flags)
    {
        var list = args.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            var arg = list[i];
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.Length > 2)
            {
                var name = arg[2..];
                if (flags.Contains(name))
                {
                    _flags.Add(name);
                }
                else if (i + 1 < list.Count)
                {
                    _options[name] = list[++i];
                }
                else
                {
                    Errors.Add($"--{name} needs a value");
                }
            }
            else
            {
                Positional.Add(arg);
            }
        }
    }

    public List<string> Positional { get; } = [];

    public List<string> Errors { get; } = [];

    public string? this[string name] => _options.GetValueOrDefault(name);

    public bool Has(string flag) => _flags.Contains(flag);
}
