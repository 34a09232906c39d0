// Private to perfval_http: what the transport files share.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>

#include "perfval/http/transport.hpp"

namespace perfval::http::detail {

std::int64_t micros_since(std::chrono::steady_clock::time_point from);  // microseconds until now

// TLS over TCP (transport_tls.cpp).
std::unique_ptr<Transport> make_tls_transport(boost::asio::io_context& io, const TransportTarget& target,
                                              TransportEvents& events);

}  // namespace perfval::http::detail
