namespace BrandBot.Options;

/// <summary>How a settings file that is not valid JSON is reported, by the server and the verbs alike.</summary>
public static class SettingsFileError
{
    /// <summary>The loader's line ("Failed to load configuration from file '…'") and the JSON reader's innermost one, which says where.</summary>
    public static string Describe(InvalidDataException ex)
    {
        var innermost = ex.GetBaseException();
        return innermost == ex ? ex.Message : $"{ex.Message} {innermost.Message}";
    }
}
