// Private to the engine: the request/response cycle of one virtual user on its keep-alive connection.
#pragma once

#include "worker.hpp"

namespace perfval::loadgen::detail {

// Starts one iteration: connects if needed, sends the VU's request, reads the response, records it, and
// hands the VU back to its driver. Never throws; failures are counted by kind.
void vu_begin(Vu& vu);

// Closes the connection (pending operations complete with operation_aborted).
void vu_close(Vu& vu);

}  // namespace perfval::loadgen::detail
