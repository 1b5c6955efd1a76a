namespace BrandBot.Delivery;

/// <summary>
/// A shared store on the push path could not answer in time (or at all). Store adapters translate
/// their client's failures into this, so the push path decides what to do without knowing which
/// store is behind a port.
/// </summary>
public sealed class StoreUnavailableException(string operation, Exception inner)
    : Exception($"the store could not complete '{operation}': {inner.Message}", inner)
{
    public string Operation { get; } = operation;
}
