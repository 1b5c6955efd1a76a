namespace BrandBot.Outbound.Messages;

/// <summary>One thing wrong with a request: the field as a dotted path (<c>template.data.keyword1</c>) and why.</summary>
public sealed record FieldError(string Field, string Message);
