using BrandBot.Outbound.Messages;

namespace BrandBot.Outbound.Store;

/// <summary>
/// A message leased to one sender. <see cref="Fence"/> grows with every claim of the account's queue: a
/// write carrying an older one is refused, so an instance that lost its lease (paused, partitioned)
/// cannot overwrite what the new holder did.
/// </summary>
public sealed record Claim(OutboundMessage Message, long Fence);
