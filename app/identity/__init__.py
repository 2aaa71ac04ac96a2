"""Who acts: the actor a timeline row names, the principal a request acts as, staff's roles.
It imports nothing of app's domains: auth (which checks credentials), audit and every
package that records who did something read it."""
