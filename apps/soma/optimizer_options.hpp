// The options of `soma train` that reach the optimisers, the learning-rate schedules and the
// penalties: --momentum, --beta1, --beta2, --epsilon, --schedule, --l1 and --l2 (the same as
// --weight-decay). Every value is checked here; an error names the option and the bad part.
#pragma once

#include <memory>
#include <string>

#include "arguments.hpp"
#include "soma/optim/adam.hpp"
#include "soma/optim/schedule.hpp"
#include "soma/optim/sgd.hpp"
#include "soma/train/fit.hpp"

namespace soma::cli {

// --momentum, --beta1, --beta2, --epsilon and --schedule (train lists them after
// --learning-rate).
void add_optimizer_options(ArgumentParser& parser);
// --l2 and --l1 (after --weight-decay).
void add_penalty_options(ArgumentParser& parser);

// For --optimizer sgd, momentum or nesterov (`optimizer`): their momentum (0, 0.9, 0.9)
// unless --momentum gives one. Throws UsageError for Adam's options, or for a Nesterov
// momentum of 0.
SgdOptions sgd_options(const ParsedArguments& arguments, const std::string& optimizer,
                       float learning_rate);
// For --optimizer adam or adamw: --beta1, --beta2 and --epsilon. Throws UsageError for
// --momentum. AdamW keeps its own decoupled weight decay (0.01).
AdamOptions adam_options(const ParsedArguments& arguments, const std::string& optimizer,
                         float learning_rate);
AdamWOptions adamw_options(const ParsedArguments& arguments, float learning_rate);

// --schedule step:every=N[,gamma=X] | exponential:gamma=X | cosine[:epochs=N][,min=X],
// starting from the optimiser's learning rate `initial`; cosine anneals over `epochs` (the
// training's) unless told otherwise. Null without --schedule.
std::unique_ptr<LearningRateSchedule> read_schedule(const ParsedArguments& arguments, float initial,
                                                    int epochs);

// read_schedule for `optimizer`'s learning rate and options.epochs, set as options.schedule;
// the caller keeps the result for as long as fit runs.
std::unique_ptr<LearningRateSchedule> attach_schedule(const ParsedArguments& arguments,
                                                      const Optimizer& optimizer,
                                                      train::FitOptions& options);

// --weight-decay or its alias --l2 (not both), and --l1, into `options`.
void read_penalties(const ParsedArguments& arguments, train::FitOptions& options);

}  // namespace soma::cli
