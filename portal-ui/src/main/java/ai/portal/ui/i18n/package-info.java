/**
 * English and Simplified Chinese: the bundles ({@code i18n/messages*.properties}), the provider Vaadin asks for
 * every visible string, how a session's locale is chosen (menu choice, then browser), and dates and numbers in it.
 */
package ai.portal.ui.i18n;
