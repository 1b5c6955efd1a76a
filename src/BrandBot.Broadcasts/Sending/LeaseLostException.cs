namespace BrandBot.Broadcasts.Sending;

/// <summary>Another sender took the broadcast over (this one's lease ran out): stop without writing.</summary>
public sealed class LeaseLostException(string id) : Exception($"broadcast '{id}' was taken over by another sender");
